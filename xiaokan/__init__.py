"""校刊: a static site and print-PDF generator for a school newsletter."""

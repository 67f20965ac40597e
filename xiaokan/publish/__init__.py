"""Putting the finished site somewhere: `output.write_site` swaps a whole new site into output/
atomically (readers and a killed build never see half a site); `deploy.deploy` copies output/ to
the live server as a new release (a folder or SSH with rsync), with rollback.
Imports the source wing (the deploy settings) and the shared modules."""

"""`python -m xiaokan …` runs the same command line as build.py, for the project in the current folder."""
from .cli import run

run()

"""Studies: a folder with a study.yaml, its datasets, and the reports made from them."""

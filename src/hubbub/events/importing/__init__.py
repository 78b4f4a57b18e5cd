"""Programme import: frab XML, frab/pretalx JSON and CSV parsers and the import service."""

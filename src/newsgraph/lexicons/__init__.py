"""Field lexicons read from packaged data files (leaf modules: they import nothing from
stages, store or the CLI). :mod:`.petrarch` parses the PETRARCH2/Phoenix coding dictionaries."""

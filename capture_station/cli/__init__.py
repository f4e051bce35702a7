"""The command line, one module per command group; :mod:`capture_station.cli.main` builds the
parser and is the ``capture-station`` entry point."""

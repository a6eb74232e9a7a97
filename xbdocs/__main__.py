from xbdocs.cli import main

main()

from xbdocs.cli import main

if __name__ == "__main__":  # not when a batch worker process imports it
    main()

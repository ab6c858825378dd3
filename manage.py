#!/usr/bin/env python
from reunite.cli import main

if __name__ == "__main__":
    main()

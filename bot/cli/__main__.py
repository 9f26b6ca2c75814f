"""``python -m bot.cli``: the ``herbot`` command without the console script."""

from bot.cli import main

if __name__ == "__main__":
    main(prog_name="herbot")

"""Channel education: when scheduled posts fall due, which question a person sees next, and the service behind them.

``times`` computes post instants (pure, zoneinfo); ``repetition`` schedules each person's questions by
FSRS (pure, the ``fsrs`` package). Nothing here imports a chat platform, the web server or botbuilder.
"""

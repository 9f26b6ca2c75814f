"""Channel education: lessons, quizzes, scores and schedules, and the scheduler that posts them.

``service`` runs the commands over the education store; ``desk`` bounds it for the surfaces' answering;
``scheduler`` claims due posts and hands them to the outbox; ``times`` computes post instants (pure, zoneinfo);
``repetition`` schedules each person's questions by FSRS (pure, the ``fsrs`` package); ``lessons`` and ``texts``
are the sentences it answers with. What a command answers is plain data (``intents.education_replies``).
Nothing here imports a chat platform, the web server or botbuilder.
"""

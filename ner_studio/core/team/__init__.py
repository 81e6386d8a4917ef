"""Several annotators' versions compared: agreement statistics and curation (pure, no store).

May import: text, learning.
"""

"""Working as a team: your annotator name, other annotators' versions (read-only), curation
of two versions into the gold version, and agreement figures.

May import: shell, annotate.
"""

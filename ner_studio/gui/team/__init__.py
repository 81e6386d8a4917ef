"""Working as a team: your annotator name, other annotators' versions (read-only), curation
of two versions into the gold version, and agreement figures with the disagreements behind
them.

Versions and curation are shown in annotate's text view with its label colours.

May import: shell, annotate.
"""

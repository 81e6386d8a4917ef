"""The model in the loop: fine-tuning, model versions and their check scores, evaluation, and
what each review batch cost the analyst.

May import: shell, review.
"""

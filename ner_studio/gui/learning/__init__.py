"""The model in the loop: fine-tuning, model versions and their check scores, evaluation, and
what each review batch cost the analyst.

Review Next ranks by the current model's doubts, so the learning tools install it.

May import: shell, review.
"""

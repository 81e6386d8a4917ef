"""What learning from corrections needs without torch: training and check sets, adoption of a
fine-tuned model, the review log, corrections, label examples, metrics, error analysis and
the choice of what to review next.

May import: text.
"""

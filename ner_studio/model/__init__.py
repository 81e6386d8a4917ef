"""The BiLSTM-CRF tagger: vocabularies, training, checkpoints, prediction. No Qt."""

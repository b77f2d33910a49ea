"""scikit-learn's precision, recall, F1, accuracy and confusion matrix of a binary classifier at
given thresholds (predicted positive when score >= threshold), as the reference for the
webview's threshold slider. Reads {"scores": [...], "labels": [...], "thresholds": [...]}
on stdin, writes a JSON list, one entry per threshold."""
import json
import sys

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_score, recall_score

request = json.load(sys.stdin)
scores = np.asarray(request["scores"], dtype=np.float64)
labels = np.asarray(request["labels"], dtype=np.int64)
out = []
for threshold in request["thresholds"]:
    predicted = (scores >= threshold).astype(np.int64)
    out.append({
        "threshold": threshold,
        "precision": precision_score(labels, predicted, zero_division=0),
        "recall": recall_score(labels, predicted, zero_division=0),
        "f1": f1_score(labels, predicted, zero_division=0),
        "accuracy": accuracy_score(labels, predicted),
        "confusion_matrix": confusion_matrix(labels, predicted, labels=[0, 1]).tolist(),
    })
json.dump(out, sys.stdout)

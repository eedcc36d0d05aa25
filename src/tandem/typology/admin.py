# Nothing registered: a person's type is theirs and their coach's until they share it, and
# superusers act as programme leads (who never see individual types), not as coaches.

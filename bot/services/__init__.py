"""Use cases: load, decide with the domain, save in one transaction, return what to tell whom."""

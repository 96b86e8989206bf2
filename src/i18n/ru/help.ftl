## help (being written)

## query (being written)

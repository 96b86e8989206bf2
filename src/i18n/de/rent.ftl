## rent (being written)

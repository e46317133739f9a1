print("notebridge")

let x: int = "not a number"

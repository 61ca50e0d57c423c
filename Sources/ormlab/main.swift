print("ormlab: under construction")

(println "OK")

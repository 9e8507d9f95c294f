(doseq [a *command-line-args*]
  (println a))
(doseq [line (line-seq (java.io.BufferedReader. *in*))]
  (println line))

#lang racket/base
(for ([a (current-command-line-arguments)])
  (displayln a))
(for ([line (in-lines)])
  (displayln line))

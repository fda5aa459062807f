module example.com/qlike

go 1.26

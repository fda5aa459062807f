module example.com/seedinjector

go 1.19

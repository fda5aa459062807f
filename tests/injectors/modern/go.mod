module example.com/moderninjector

go 1.21

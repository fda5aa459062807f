module github.com/qcompat/qcompat/fallback-go

go 1.19

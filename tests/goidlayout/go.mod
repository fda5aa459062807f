module goidlayout

go 1.19

require github.com/qcompat/qcompat/fallback-go v0.0.0

replace github.com/qcompat/qcompat/fallback-go => ../../fallback-go

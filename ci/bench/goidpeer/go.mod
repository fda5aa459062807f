module qcompat.bench/goidpeer

go 1.21

require github.com/qcompat/qcompat/fallback-go v0.0.0

require github.com/petermattis/goid v0.0.0-20261109124353-7cfa343ad0ab

replace github.com/qcompat/qcompat/fallback-go => ../../../fallback-go

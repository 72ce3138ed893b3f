module payments-api

go 1.22

module sluice.dev/standin/nop

go 1.19

# {{top:identifier}} on {{device:comment}} ({{part:part}}): the one clock, {{clock:number}} MHz.
create_clock -name clk -period {{period:number}} [get_ports clk]
# Out of context: the clock arrives from a global buffer of the block design.
set_property HD.CLK_SRC BUFGCTRL_X0Y0 [get_ports clk]

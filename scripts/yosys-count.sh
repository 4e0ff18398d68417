# Sourced by the synthesis scripts. `synth FAMILY DIR [TOP]` prints
# "dsp,lut,ff,srl,lutram,bram36,latches" of the design in DIR (rtl/*.v; the top is TOP, or the
# module its testbench tb/tb_*.v tests) after `yosys synth_xilinx -family FAMILY`; fails
# when Yosys does. Counting: see scripts/calibrate-resources.
synth() {
    local top=${3:-}
    if [ -z "$top" ]; then top=$(basename "$(ls "$2"/tb/tb_*.v)" .v); top=${top#tb_}; fi
    local log
    log=$(yosys -p "read_verilog $2/rtl/*.v; synth_xilinx -family $1 -top $top -flatten; stat" 2>&1) ||
        { echo "yosys failed on $top ($1):" >&2; echo "$log" | tail -20 >&2; return 1; }
    echo "$log" | sed -n '/Number of cells/,/^$/p' | awk '
            NF == 2 && $2 ~ /^[0-9]+$/ { c[$1] = $2 }
            END {
                lut = c["LUT1"] + c["LUT2"] + c["LUT3"] + c["LUT4"] + c["LUT5"] + c["LUT6"]
                ff = c["FDRE"] + c["FDSE"] + c["FDCE"] + c["FDPE"]
                srl = c["SRL16E"] + c["SRLC32E"]
                ram = 4 * (c["RAM32M"] + c["RAM64M"]) + 8 * (c["RAM32M16"] + c["RAM64M8"]) \
                    + 2 * (c["RAM32X1D"] + c["RAM64X1D"]) + c["RAM32X1S"] + c["RAM64X1S"]
                bram = c["RAMB36E1"] + c["RAMB36E2"] + (c["RAMB18E1"] + c["RAMB18E2"]) / 2
                latches = 0
                for (cell in c) if (cell ~ /^LD/ || cell ~ /DLATCH/) latches += c[cell]
                printf "%d,%d,%d,%d,%d,%g,%d", c["DSP48E1"] + c["DSP48E2"], lut, ff, srl, ram, bram, latches
            }'
}


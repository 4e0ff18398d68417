/// Reserved words of Verilog-2005 (and SystemVerilog, so the RTL also reads under its tools),
/// which no Swift-given name may take.
enum VerilogKeywords {
    static let all: Set<String> = [
        "always", "and", "assign", "automatic", "begin", "buf", "bufif0", "bufif1", "case", "casex",
        "casez", "cell", "cmos", "config", "deassign", "default", "defparam", "design", "disable",
        "edge", "else", "end", "endcase", "endconfig", "endfunction", "endgenerate", "endmodule",
        "endprimitive", "endspecify", "endtable", "endtask", "event", "for", "force", "forever",
        "fork", "function", "generate", "genvar", "highz0", "highz1", "if", "ifnone", "incdir",
        "include", "initial", "inout", "input", "instance", "integer", "join", "large", "liblist",
        "library", "localparam", "macromodule", "medium", "module", "nand", "negedge", "nmos",
        "nor", "noshowcancelled", "not", "notif0", "notif1", "or", "output", "parameter", "pmos",
        "posedge", "primitive", "pull0", "pull1", "pulldown", "pullup", "pulsestyle_onevent",
        "pulsestyle_ondetect", "rcmos", "real", "realtime", "reg", "release", "repeat", "rnmos",
        "rpmos", "rtran", "rtranif0", "rtranif1", "scalared", "showcancelled", "signed", "small",
        "specify", "specparam", "strong0", "strong1", "supply0", "supply1", "table", "task", "time",
        "tran", "tranif0", "tranif1", "tri", "tri0", "tri1", "triand", "trior", "trireg",
        "unsigned", "use", "uwire", "vectored", "wait", "wand", "weak0", "weak1", "while", "wire",
        "wor", "xnor", "xor",
        "logic", "bit", "byte", "int", "shortint", "longint", "interface", "package", "class",
        "typedef", "enum", "struct", "union", "final", "unique", "priority", "return", "break",
        "continue", "do", "const", "static", "virtual", "this", "super", "new", "null", "type",
    ]
}

package org.jgil.ext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import org.jgil.ext.GlueProcessor.GlueException;
import org.jgil.ext.GlueProcessor.Prim;

/** One {@link Calls} method: its declaration parsed and checked, and the C it turns into. */
final class Glue {
    /** C integer types an argument may be cast to, with the range a value must fit. */
    private static final Map<String, long[]> CASTS = new HashMap<>();

    static {
        long[] any = {Long.MIN_VALUE, Long.MAX_VALUE};
        long[] nonNegative = {0, Long.MAX_VALUE};
        for (String t : new String[] {"long", "int64_t", "ptrdiff_t", "jlong"}) {
            CASTS.put(t, any);
        }
        for (String t : new String[] {"size_t", "uint64_t"}) {
            CASTS.put(t, nonNegative);
        }
        for (String t : new String[] {"int", "int32_t", "jint", "jsize"}) {
            CASTS.put(t, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE});
        }
        for (String t : new String[] {"unsigned", "uint32_t"}) {
            CASTS.put(t, new long[] {0, 0xffffffffL});
        }
        CASTS.put("short", new long[] {Short.MIN_VALUE, Short.MAX_VALUE});
        CASTS.put("int16_t", new long[] {Short.MIN_VALUE, Short.MAX_VALUE});
        CASTS.put("uint16_t", new long[] {0, 0xffff});
        CASTS.put("int8_t", new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE});
        CASTS.put("uint8_t", new long[] {0, 0xff});
    }

    /** Names the wrapper itself uses, and C and C++ keywords: a parameter with one of them is renamed. */
    private static final Set<String> TAKEN = Set.of("env", "cls", "call", "arrays", "result", "auto", "register",
            "signed", "unsigned", "struct", "union", "typedef", "extern", "sizeof", "restrict", "inline", "template",
            "delete", "namespace", "typename", "operator", "friend", "virtual", "explicit", "mutable", "bool",
            "not", "and", "or", "xor", "compl", "bitand", "bitor", "asm", "typeid", "using", "export",
            "NULL", "errno", "jgil_api_ptr");

    private final ExecutableElement method;
    private final String site;
    private final String function;
    private final String jniName;
    private final Prim ret;
    private final Calls calls;
    private final List<Param> params = new ArrayList<>();
    private final List<Arg> args = new ArrayList<>();
    private final List<Cond> checks = new ArrayList<>();
    private final Expr cost;
    /** Array parameters the wrapper looks at: those passed as pointers first (the ones it pins). */
    private final List<Param> arrays = new ArrayList<>();
    private int pinned;
    private final Set<Param> lengths = new LinkedHashSet<>();
    private final Set<Param> used = new LinkedHashSet<>();

    /** A Java parameter. */
    record Param(String javaName, String name, Prim prim, boolean array, boolean out, VariableElement element) {}

    /** An integer expression over parameters, lengths and literals. */
    sealed interface Expr permits Num, Ref, Len, Bin {}

    record Num(long value) implements Expr {}

    record Ref(Param param) implements Expr {}

    record Len(Param param) implements Expr {}

    record Bin(char op, Expr left, Expr right, String text) implements Expr {}

    enum Kind { WHOLE, RANGE, SCALAR, EXPR }

    /** One C argument. */
    record Arg(Kind kind, String text, Param param, Expr off, Expr len, Expr expr, String cast, String cname) {}

    /** A declared condition. */
    record Cond(String text, String op, Expr left, String leftText, Expr right, String rightText) {}

    Glue(ProcessingEnvironment env, TypeElement type, String binary, ExecutableElement m) throws GlueException {
        this.method = m;
        this.calls = m.getAnnotation(Calls.class);
        Set<Modifier> mods = m.getModifiers();
        if (!mods.contains(Modifier.STATIC) || !mods.contains(Modifier.NATIVE)) {
            throw new GlueException("@Calls goes on a 'static native' method; " + m.getSimpleName() + " is not", m);
        }
        site = binary.replace('$', '.') + "." + m.getSimpleName();
        function = calls.value().isEmpty() ? m.getSimpleName().toString() : calls.value();
        if (!function.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new GlueException("@Calls(\"" + function + "\"): not a C function name", m);
        }
        TypeMirror rt = m.getReturnType();
        if (rt.getKind() == TypeKind.VOID) {
            ret = null;
        } else {
            ret = Prim.of(rt.getKind());
            if (ret == null) {
                throw new GlueException("@Calls methods return a primitive or void, not " + rt, m);
            }
        }
        Set<String> names = new LinkedHashSet<>();
        for (VariableElement p : m.getParameters()) {
            TypeMirror t = p.asType();
            TypeMirror c = GlueProcessor.component(t);
            Prim prim = Prim.of(c != null ? c.getKind() : t.getKind());
            if (prim == null) {
                throw new GlueException("@Calls methods take primitives and primitive arrays, not " + t, p);
            }
            boolean out = GlueProcessor.isOut(p);
            if (out && c == null) {
                throw new GlueException("@Out marks an array parameter", p);
            }
            String javaName = p.getSimpleName().toString();
            String name = javaName;
            while (TAKEN.contains(name) || name.startsWith("jgil_") || name.matches("t[0-9]+")
                    || !names.add(name)) {
                name = name + "_";
            }
            params.add(new Param(javaName, name, prim, c != null, out, p));
        }
        jniName = jniName(env, type, binary, m);
        if (calls.args().isBlank()) {
            for (Param p : params) {
                used.add(p);
                if (p.array()) {
                    lengths.add(p);
                    args.add(new Arg(Kind.WHOLE, p.javaName(), p, null, null, null, null, p.javaName()));
                    args.add(new Arg(Kind.EXPR, p.javaName() + ".length", null, null, null, new Len(p), "size_t",
                            p.javaName() + "_length"));
                } else {
                    args.add(new Arg(Kind.SCALAR, p.javaName(), p, null, null, null, null, p.javaName()));
                }
            }
        } else {
            List<String> parts = split(calls.args(), m);
            for (int i = 0; i < parts.size(); i++) {
                args.add(parseArg(parts.get(i).trim(), i));
            }
        }
        for (String c : calls.check()) {
            checks.add(parseCond(c));
        }
        if (calls.lock() == Lock.AUTO) {
            if (calls.cost().isBlank()) {
                throw new GlueException("lock = AUTO needs cost: the call's expected nanoseconds, such as"
                        + " cost = \"a.length / 4\"", m);
            }
            cost = new Parser(calls.cost(), "cost").whole();
        } else {
            if (!calls.cost().isBlank()) {
                throw new GlueException("cost is for lock = AUTO only", m);
            }
            cost = null;
        }
        Set<Param> passed = new LinkedHashSet<>();
        for (Arg a : args) {
            if (a.kind() == Kind.WHOLE || a.kind() == Kind.RANGE) {
                if (!passed.add(a.param())) {
                    throw new GlueException("@Calls args pass " + a.param().javaName() + " twice; pass each array"
                            + " once", m);
                }
            }
        }
        arrays.addAll(passed);
        pinned = arrays.size();
        for (Param p : lengths) {
            if (!passed.contains(p)) {
                arrays.add(p);
            }
        }
        if (calls.cancellable() && calls.lock() == Lock.HELD) {
            throw new GlueException("cancellable calls release the lock: lock = RELEASED or AUTO", m);
        }
    }

    private static String jniName(ProcessingEnvironment env, TypeElement type, String binary, ExecutableElement m) {
        String name = "Java_" + mangle(binary.replace('.', '/')) + "_" + mangle(m.getSimpleName().toString());
        int overloads = 0;
        for (ExecutableElement other : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (GlueProcessor.isNative(other) && other.getSimpleName().contentEquals(m.getSimpleName())) {
                overloads++;
            }
        }
        if (overloads > 1) {
            StringBuilder d = new StringBuilder();
            for (VariableElement p : m.getParameters()) {
                TypeMirror c = GlueProcessor.component(p.asType());
                d.append(c != null ? "[" + Prim.of(c.getKind()).descriptor : Prim.of(p.asType().getKind()).descriptor);
            }
            name += "__" + mangle(d.toString());
        }
        return name;
    }

    /** JNI's name mangling: '/' to '_', '_' to "_1", '[' to "_3", anything else outside [A-Za-z0-9] to "_0xxxx". */
    static String mangle(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch == '/') {
                b.append('_');
            } else if (ch == '_') {
                b.append("_1");
            } else if (ch == ';') {
                b.append("_2");
            } else if (ch == '[') {
                b.append("_3");
            } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) {
                b.append(ch);
            } else {
                b.append(String.format("_0%04x", (int) ch));
            }
        }
        return b.toString();
    }

    private static List<String> split(String s, Element at) throws GlueException {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(' || ch == '[') {
                depth++;
            } else if (ch == ')' || ch == ']') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
            if (depth < 0) {
                throw new GlueException("@Calls args \"" + s + "\": unbalanced brackets", at);
            }
        }
        parts.add(s.substring(start));
        for (String p : parts) {
            if (p.isBlank()) {
                throw new GlueException("@Calls args \"" + s + "\": an empty argument", at);
            }
        }
        return parts;
    }

    private Param param(String name) {
        for (Param p : params) {
            if (p.javaName().equals(name)) {
                return p;
            }
        }
        return null;
    }

    private Arg parseArg(String text, int index) throws GlueException {
        Parser p = new Parser(text, "argument '" + text + "'");
        String cast = p.cast();
        int mark = p.pos;
        String id = p.identifier();
        Param named = id == null ? null : param(id);
        if (named != null && named.array() && cast == null) {
            if (p.atEnd()) {
                used.add(named);
                return new Arg(Kind.WHOLE, text, named, null, null, null, null, named.javaName());
            }
            if (p.take('[')) {
                used.add(named);
                Expr off = p.expression();
                p.expect(',');
                Expr len = p.expression();
                p.expect(']');
                p.end();
                return new Arg(Kind.RANGE, text, named, off, len, null, null, named.javaName());
            }
        }
        if (named != null && !named.array() && cast == null && p.atEnd()) {
            used.add(named);
            return new Arg(Kind.SCALAR, text, named, null, null, null, null, named.javaName());
        }
        p.pos = mark;
        Expr e = p.expression();
        p.end();
        String cname = e instanceof Len l ? l.param().javaName() + "_length"
                : e instanceof Ref r ? r.param().javaName() : "arg" + index;
        return new Arg(Kind.EXPR, text, null, null, null, e, cast == null ? "size_t" : cast, cname);
    }

    private Cond parseCond(String text) throws GlueException {
        for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
            int at = text.indexOf(op);
            if (at > 0) {
                String l = text.substring(0, at).trim();
                String r = text.substring(at + op.length()).trim();
                if (r.startsWith("=")) {
                    continue;
                }
                Expr left = new Parser(l, "check '" + text + "'").whole();
                Expr right = new Parser(r, "check '" + text + "'").whole();
                return new Cond(text.trim(), op, left, l, right, r);
            }
        }
        throw new GlueException("check \"" + text + "\": compare two integer expressions with == != < <= > >=",
                method);
    }

    /** A recursive-descent parser of the integer expressions. */
    private final class Parser {
        private final String s;
        private final String what;
        int pos;

        Parser(String s, String what) {
            this.s = s;
            this.what = what;
        }

        private GlueException error(String why) {
            String rest = s.substring(Math.min(pos, s.length())).trim();
            return new GlueException("@Calls " + what + ": " + why
                    + (rest.isEmpty() ? " (at the end)" : " (at \"" + rest + "\")"), method);
        }

        private void skip() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        boolean atEnd() {
            skip();
            return pos >= s.length();
        }

        void end() throws GlueException {
            if (!atEnd()) {
                throw error(s.startsWith("&&", pos) || s.startsWith("||", pos)
                        ? "unexpected text: a condition is one comparison; give several as several strings, "
                                + "check = {\"a >= 0\", \"b >= 0\"}"
                        : "unexpected text");
            }
        }

        boolean take(char ch) {
            skip();
            if (pos < s.length() && s.charAt(pos) == ch) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(char ch) throws GlueException {
            if (!take(ch)) {
                throw error("expected '" + ch + "'");
            }
        }

        String identifier() {
            skip();
            int start = pos;
            while (pos < s.length() && (Character.isJavaIdentifierPart(s.charAt(pos)))) {
                pos++;
            }
            if (pos == start || !Character.isJavaIdentifierStart(s.charAt(start))) {
                pos = start;
                return null;
            }
            return s.substring(start, pos);
        }

        /** A leading {@code (type)}, or null. */
        String cast() throws GlueException {
            int mark = pos;
            if (take('(')) {
                String t = identifier();
                if (t != null && CASTS.containsKey(t) && take(')')) {
                    return t;
                }
                if (t != null && param(t) == null && take(')')) {
                    throw error("cast to " + t + ": the C types an argument may be cast to are "
                            + String.join(" ", new java.util.TreeSet<>(CASTS.keySet())));
                }
            }
            pos = mark;
            return null;
        }

        Expr whole() throws GlueException {
            Expr e = expression();
            end();
            return e;
        }

        Expr expression() throws GlueException {
            int start = pos;
            Expr e = term();
            for (;;) {
                char op = peekOp("+-");
                if (op == 0) {
                    return e;
                }
                Expr r = term();
                e = new Bin(op, e, r, s.substring(start, pos).trim());
            }
        }

        private Expr term() throws GlueException {
            int start = pos;
            Expr e = unary();
            for (;;) {
                char op = peekOp("*/");
                if (op == 0) {
                    return e;
                }
                Expr r = unary();
                e = new Bin(op, e, r, s.substring(start, pos).trim());
            }
        }

        private char peekOp(String ops) {
            skip();
            if (pos < s.length() && ops.indexOf(s.charAt(pos)) >= 0) {
                return s.charAt(pos++);
            }
            return 0;
        }

        private Expr unary() throws GlueException {
            int start = pos;
            if (take('-')) {
                Expr e = unary();
                return new Bin('-', new Num(0), e, s.substring(start, pos).trim());
            }
            return primary();
        }

        private Expr primary() throws GlueException {
            skip();
            if (take('(')) {
                Expr e = expression();
                expect(')');
                return e;
            }
            if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                try {
                    return new Num(Long.parseLong(s.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw error("number out of range");
                }
            }
            String id = identifier();
            if (id == null) {
                throw error("expected a parameter, a length or a number");
            }
            Param p = param(id);
            if (p == null) {
                throw error(id + " is not a parameter of " + method.getSimpleName());
            }
            if (p.array()) {
                if (!take('.') || !"length".equals(identifier())) {
                    throw error("an array in an expression is " + id + ".length");
                }
                lengths.add(p);
                used.add(p);
                return new Len(p);
            }
            if (!p.prim().integral()) {
                throw error(id + " is a " + p.prim().name().toLowerCase(java.util.Locale.ROOT)
                        + "; expressions are over integers (pass it alone)");
            }
            used.add(p);
            return new Ref(p);
        }
    }

    // ---- the C ----

    String javaSignature() {
        StringBuilder b = new StringBuilder();
        b.append(method.getReturnType()).append(' ').append(site).append('(');
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            b.append(i > 0 ? ", " : "").append(p.out() ? "@Out " : "").append(p.element().asType())
                    .append(' ').append(p.javaName());
        }
        return b.append(')').toString();
    }

    private String returnC() {
        String r = ret == null ? "void" : ret.scalar;
        return calls.status() ? "int" : r;
    }

    String function() {
        return function;
    }

    ExecutableElement method() {
        return method;
    }

    /** The prototype without parameter names: what two methods calling one function must agree on. */
    String types() {
        return prototype().replaceAll("\\b[A-Za-z_][A-Za-z0-9_]*(?=[,)])", "").replaceAll("\\s+", " ");
    }

    String prototype() {
        StringBuilder b = new StringBuilder();
        b.append(returnC()).append(' ').append(function).append('(');
        List<String> ps = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Arg a : args) {
            String n = a.cname();
            while (!names.add(n)) {
                n = n + "_";
            }
            switch (a.kind()) {
                case WHOLE, RANGE -> ps.add((a.param().out() ? "" : "const ") + a.param().prim().element + " *" + n);
                case SCALAR -> ps.add(a.param().prim().scalar + " " + n);
                default -> ps.add(a.cast() + " " + n);
            }
        }
        if (calls.status() && ret != null) {
            ps.add(ret.scalar + " *result");
        }
        b.append(ps.isEmpty() ? "void" : String.join(", ", ps)).append(')');
        return b.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Emits the code that computes {@code e} (failing with the wrapper's return) and returns its C value. */
    private final class Emitter {
        final StringBuilder out;
        final String fail;
        int temps;

        Emitter(StringBuilder out, String fail) {
            this.out = out;
            this.fail = fail;
        }

        String value(Expr e) {
            if (e instanceof Num n) {
                return n.value() > Integer.MAX_VALUE ? n.value() + "LL" : Long.toString(n.value());
            }
            if (e instanceof Ref r) {
                return "(int64_t)" + r.param().name();
            }
            if (e instanceof Len l) {
                return l.param().name() + "_length";
            }
            Bin b = (Bin) e;
            String l = value(b.left());
            String r = value(b.right());
            String t = "t" + ++temps;
            String fn = switch (b.op()) {
                case '+' -> "jgil_glue_add";
                case '-' -> "jgil_glue_sub";
                case '*' -> "jgil_glue_mul";
                default -> "jgil_glue_div";
            };
            out.append("    int64_t ").append(t).append(";\n")
                    .append("    if (").append(fn).append("(env, &call, ").append(l).append(", ").append(r)
                    .append(", &").append(t).append(", ").append(quote(b.text())).append(") < 0)\n")
                    .append("        ").append(fail).append('\n');
            return t;
        }
    }

    String wrapper() {
        StringBuilder b = new StringBuilder();
        String fail = ret == null ? "return;" : "return result;";
        b.append("/* ").append(javaSignature()).append("\n *   -> ").append(prototype()).append("\n *   lock ")
                .append(calls.lock().name().toLowerCase(java.util.Locale.ROOT))
                .append(calls.cancellable() ? ", cancellable" : "")
                .append(pinned == 0 ? "" : calls.cancellable() || calls.copy() ? ", arrays copied" : ", arrays pinned")
                .append(" */\n");
        b.append("JNIEXPORT ").append(ret == null ? "void" : ret.jni).append(" JNICALL\n").append(jniName)
                .append("(JNIEnv *env, jclass cls");
        for (Param p : params) {
            b.append(", ").append(p.array() ? "j" + p.prim().name().toLowerCase(java.util.Locale.ROOT) + "Array"
                    : p.prim().jni).append(' ').append(p.name());
        }
        b.append(")\n{\n");
        b.append("    jgil_glue_call call;\n");
        if (!arrays.isEmpty()) {
            b.append("    jgil_glue_array arrays[").append(arrays.size()).append("] = {\n");
            for (Param p : arrays) {
                b.append("        { ").append(quote(p.javaName())).append(", ").append(p.name()).append(", ")
                        .append(p.prim().tag).append(", ").append(p.out() ? 1 : 0).append(", 0, 0, NULL, NULL, 0 },\n");
            }
            b.append("    };\n");
        }
        if (ret != null) {
            b.append("    ").append(ret.scalar).append(" result = 0;\n");
        }
        b.append("\n    (void)cls;\n");
        for (Param p : params) {
            if (!used.contains(p)) {
                b.append("    (void)").append(p.name()).append(";\n");
            }
        }
        b.append("    jgil_glue_init(&call, ").append(quote(site)).append(", ").append(quote(function)).append(", ")
                .append("JGIL_GLUE_").append(calls.lock().name()).append(", ").append(calls.cancellable() ? 1 : 0)
                .append(", ").append(calls.copy() ? 1 : 0).append(");\n");
        b.append("\n    /* The arguments, checked holding the lock before any memory is touched. */\n");
        for (int i = 0; i < arrays.size(); i++) {
            b.append("    if (jgil_glue_whole(env, &call, &arrays[").append(i).append("]) < 0)\n        ")
                    .append(fail).append('\n');
        }
        for (Param p : lengths) {
            b.append("    const int64_t ").append(p.name()).append("_length = arrays[").append(arrays.indexOf(p))
                    .append("].len;\n");
        }
        Emitter em = new Emitter(b, fail);
        for (Cond c : checks) {
            String l = em.value(c.left());
            String r = em.value(c.right());
            b.append("    if (!(").append(l).append(' ').append(c.op()).append(' ').append(r).append(")) {\n")
                    .append("        jgil_glue_check_failed(env, &call, ").append(quote(c.text())).append(", ")
                    .append(quote(c.leftText())).append(", ").append(l).append(", ").append(quote(c.rightText()))
                    .append(", ").append(r).append(");\n        ").append(fail).append("\n    }\n");
        }
        List<String> cargs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            switch (a.kind()) {
                case WHOLE -> cargs.add(pointer(a));
                case RANGE -> {
                    String off = em.value(a.off());
                    String len = em.value(a.len());
                    b.append("    if (jgil_glue_range(env, &call, &arrays[").append(arrays.indexOf(a.param()))
                            .append("], ").append(off).append(", ").append(len).append(") < 0)\n        ")
                            .append(fail).append('\n');
                    cargs.add(pointer(a));
                }
                case SCALAR -> cargs.add(a.param().prim() == Prim.BOOLEAN ? "(" + a.param().name() + " ? 1 : 0)"
                        : a.param().name());
                default -> {
                    String v = em.value(a.expr());
                    long[] range = CASTS.get(a.cast());
                    boolean trivially = range[0] == Long.MIN_VALUE && range[1] == Long.MAX_VALUE
                            || range[0] == 0 && range[1] == Long.MAX_VALUE && a.expr() instanceof Len;
                    if (!trivially) {
                        b.append("    if (jgil_glue_fits(env, &call, ").append(v).append(", ")
                                .append(limit(range[0])).append(", ").append(limit(range[1])).append(", ")
                                .append(quote(a.text())).append(", ").append(quote(a.cast())).append(") < 0)\n        ")
                                .append(fail).append('\n');
                    }
                    cargs.add("(" + a.cast() + ")" + v);
                }
            }
        }
        if (cost != null) {
            String v = em.value(cost);
            b.append("    call.cost_ns = ").append(v).append(";\n");
        }
        if (calls.status() && ret != null) {
            cargs.add("&result");
        }
        String invoke = function + "(" + String.join(", ", cargs) + ")";
        String stmt = calls.status() ? "call.status = " + invoke : ret == null ? invoke : "result = " + invoke;
        b.append("\n    /* The call. */\n")
                .append("    if (jgil_glue_begin(env, &call) < 0)\n        ").append(fail).append('\n');
        if (pinned > 0) {
            b.append("    if (jgil_glue_pin(env, &call, arrays, ").append(pinned).append(") == 0) {\n")
                    .append("        JGIL_GLUE_TRY(&call, ").append(stmt).append(")\n")
                    .append("        jgil_glue_unpin(env, &call, arrays, ").append(pinned)
                    .append(", call.failed == JGIL_GLUE_OK && call.status == 0);\n    }\n");
        } else {
            b.append("    JGIL_GLUE_TRY(&call, ").append(stmt).append(")\n");
        }
        b.append("    jgil_glue_end(env, &call);\n");
        if (ret == Prim.BOOLEAN) {
            b.append("    return result ? JNI_TRUE : JNI_FALSE;\n");
        } else if (ret != null) {
            b.append("    return result;\n");
        }
        return b.append("}\n").toString();
    }

    private static String limit(long v) {
        if (v == Long.MAX_VALUE) {
            return "INT64_MAX";
        }
        if (v == Long.MIN_VALUE) {
            return "INT64_MIN";
        }
        return v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? v + "LL" : Long.toString(v);
    }

    private String pointer(Arg a) {
        Param p = a.param();
        return "(" + (p.out() ? "" : "const ") + p.prim().element + " *)arrays[" + arrays.indexOf(p) + "].ptr";
    }
}

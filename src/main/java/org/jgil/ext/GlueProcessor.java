package org.jgil.ext;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes the JNI glue of the {@link Calls} methods of each class: {@code <pkg>/<Class>_jgil.c} (the
 * wrappers, one per method, with a weak {@code JNI_OnLoad} that imports jgil's runtime) and
 * {@code <pkg>/<Class>_jgil.h} (the prototypes of the C functions they call), to the generated
 * sources ({@link StandardLocation#SOURCE_OUTPUT}: Maven's {@code target/generated-sources/annotations},
 * javac's {@code -s}). The glue compiles as C or as C++ against jgil's headers.
 *
 * <p>Enabled by having the jgil jar on the processor path (or, before JDK 23, on the class path).
 * Option {@code -Ajgil.glue.lang=c|cxx} says which compiler the glue is meant for; the file is the
 * same for both.
 */
@SupportedAnnotationTypes("org.jgil.ext.Calls")
@SupportedOptions(GlueProcessor.LANG)
public final class GlueProcessor extends AbstractProcessor {
    static final String LANG = "jgil.glue.lang";

    private final Map<TypeElement, List<ExecutableElement>> classes = new LinkedHashMap<>();

    /** Creates the processor; javac does, through {@code META-INF/services}. */
    public GlueProcessor() {}

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        String lang = processingEnv.getOptions().getOrDefault(LANG, "c");
        if (!lang.equals("c") && !lang.equals("cxx")) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                    "-A" + LANG + "=" + lang + ": the glue's language is c or cxx");
            return false;
        }
        for (Element e : round.getElementsAnnotatedWith(Calls.class)) {
            if (e.getKind() == ElementKind.METHOD) {
                classes.computeIfAbsent((TypeElement) e.getEnclosingElement(), k -> new ArrayList<>())
                        .add((ExecutableElement) e);
            }
        }
        if (round.processingOver() || classes.isEmpty()) {
            return false;
        }
        for (Map.Entry<TypeElement, List<ExecutableElement>> c : classes.entrySet()) {
            generate(c.getKey(), c.getValue());
        }
        classes.clear();
        return false;
    }

    private void generate(TypeElement type, List<ExecutableElement> methods) {
        Messager messager = processingEnv.getMessager();
        if (type.getNestingKind() != NestingKind.TOP_LEVEL
                && (type.getNestingKind() != NestingKind.MEMBER || !type.getModifiers().contains(Modifier.STATIC))) {
            messager.printMessage(Diagnostic.Kind.ERROR, "@Calls methods belong to a top-level or static nested"
                    + " class", type);
            return;
        }
        String binary = processingEnv.getElementUtils().getBinaryName(type).toString();
        PackageElement pkg = processingEnv.getElementUtils().getPackageOf(type);
        String packageName = pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString();
        String simple = packageName.isEmpty() ? binary : binary.substring(packageName.length() + 1);
        String base = simple.replace('$', '_') + "_jgil";
        List<Glue> glue = new ArrayList<>();
        boolean ok = true;
        for (ExecutableElement m : methods) {
            try {
                glue.add(new Glue(processingEnv, type, binary, m));
            } catch (GlueException e) {
                messager.printMessage(Diagnostic.Kind.ERROR, e.getMessage(), e.element != null ? e.element : m);
                ok = false;
            }
        }
        Map<String, Glue> functions = new LinkedHashMap<>();
        for (Glue g : glue) {
            Glue first = functions.putIfAbsent(g.function(), g);
            if (first != null && !first.types().equals(g.types())) {
                messager.printMessage(Diagnostic.Kind.ERROR, "@Calls: " + g.function() + " is called as "
                        + g.prototype() + " here and as " + first.prototype() + " by " + first.method().getSimpleName()
                        + "; one C function has one prototype (cast the arguments to agree)", g.method());
                ok = false;
            }
        }
        if (!ok) {
            return;
        }
        Filer filer = processingEnv.getFiler();
        Element[] origin = {type};
        try {
            FileObject header = filer.createResource(StandardLocation.SOURCE_OUTPUT, packageName, base + ".h", origin);
            try (Writer w = header.openWriter()) {
                w.write(header(binary, base, glue));
            }
            FileObject source = filer.createResource(StandardLocation.SOURCE_OUTPUT, packageName, base + ".c", origin);
            try (Writer w = source.openWriter()) {
                w.write(source(binary, base, glue));
            }
        } catch (IOException e) {
            messager.printMessage(Diagnostic.Kind.ERROR, "cannot write the JNI glue " + base + ".c: " + e, type);
        }
    }

    private static String header(String binary, String base, List<Glue> glue) {
        String guard = (binary.replace('.', '_').replace('$', '_') + "_JGIL_H").toUpperCase(Locale.ROOT);
        StringBuilder s = new StringBuilder();
        s.append("/*\n * ").append(base).append(".h -- the C functions that ").append(binary)
                .append(" calls,\n * as its @Calls declarations describe them")
                .append(" (generated by org.jgil.ext.GlueProcessor).\n")
                .append(" * Include it where they are defined: the compiler then checks them.\n */\n")
                .append("#ifndef ").append(guard).append("\n#define ").append(guard).append("\n\n")
                .append("#include <stddef.h>\n#include <stdint.h>\n\n")
                .append("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
        Set<String> declared = new java.util.HashSet<>();
        for (Glue g : glue) {
            if (declared.add(g.function())) {
                s.append("/* ").append(g.javaSignature()).append(" */\n").append(g.prototype()).append(";\n\n");
            }
        }
        s.append("#ifdef __cplusplus\n}\n#endif\n\n#endif\n");
        return s.toString();
    }

    private static String source(String binary, String base, List<Glue> glue) {
        StringBuilder s = new StringBuilder();
        s.append("/*\n * ").append(base).append(".c -- JNI glue for ").append(binary).append(", generated by\n")
                .append(" * org.jgil.ext.GlueProcessor from its @Calls declarations: change those, not this file.\n")
                .append(" *\n * Each wrapper checks its arguments holding the lock, releases it as declared,\n")
                .append(" * pins (or copies) arrays only inside the released section, calls the C function,\n")
                .append(" * and throws what went wrong once the lock is back (jgil_glue.h).  Compile it as C\n")
                .append(" * or C++ with the functions of ").append(base).append(".h, against jgil's headers;\n")
                .append(" * load the library with org.jgil.Extensions.load.\n */\n")
                .append("#include <jgil_glue.h>\n\n#include \"").append(base).append(".h\"\n\n")
                .append("JGIL_GLUE_LIBRARY\n\n")
                .append("#ifdef __cplusplus\nextern \"C\" {\n#endif\n");
        for (Glue g : glue) {
            s.append('\n').append(g.wrapper());
        }
        return s.append("\n#ifdef __cplusplus\n}\n#endif\n").toString();
    }

    /** A declaration the processor refuses, with the element to point at. */
    static final class GlueException extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Element element;

        GlueException(String message, Element element) {
            super(message);
            this.element = element;
        }
    }

    /** The C side of a Java primitive type. */
    enum Prim {
        BOOLEAN("jboolean", "int", "uint8_t", "Z", "JGIL_GLUE_BOOLEAN"),
        BYTE("jbyte", "int8_t", "int8_t", "B", "JGIL_GLUE_BYTE"),
        CHAR("jchar", "uint16_t", "uint16_t", "C", "JGIL_GLUE_CHAR"),
        SHORT("jshort", "int16_t", "int16_t", "S", "JGIL_GLUE_SHORT"),
        INT("jint", "int32_t", "int32_t", "I", "JGIL_GLUE_INT"),
        LONG("jlong", "int64_t", "int64_t", "J", "JGIL_GLUE_LONG"),
        FLOAT("jfloat", "float", "float", "F", "JGIL_GLUE_FLOAT"),
        DOUBLE("jdouble", "double", "double", "D", "JGIL_GLUE_DOUBLE");

        final String jni;
        final String scalar;
        final String element;
        final String descriptor;
        final String tag;

        Prim(String jni, String scalar, String element, String descriptor, String tag) {
            this.jni = jni;
            this.scalar = scalar;
            this.element = element;
            this.descriptor = descriptor;
            this.tag = tag;
        }

        boolean integral() {
            return this == BYTE || this == CHAR || this == SHORT || this == INT || this == LONG;
        }

        static Prim of(TypeKind kind) {
            switch (kind) {
                case BOOLEAN: return BOOLEAN;
                case BYTE: return BYTE;
                case CHAR: return CHAR;
                case SHORT: return SHORT;
                case INT: return INT;
                case LONG: return LONG;
                case FLOAT: return FLOAT;
                case DOUBLE: return DOUBLE;
                default: return null;
            }
        }
    }

    static boolean isNative(ExecutableElement m) {
        return m.getModifiers().contains(Modifier.NATIVE);
    }

    static TypeMirror component(TypeMirror t) {
        return t.getKind() == TypeKind.ARRAY ? ((ArrayType) t).getComponentType() : null;
    }

    static boolean isOut(VariableElement p) {
        return p.getAnnotation(Out.class) != null;
    }
}

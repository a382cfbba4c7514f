/*
 * jgil_library.c -- org.jgil.NativeLibrary: is another copy of libjgil
 * already running in this process?
 *
 * A process has one GIL, and it lives in this library's static data.  JNI
 * binds a native library to the one class loader that loaded it: a second
 * class loader that loads the same file gets the JDK's "already loaded in
 * another classloader".  A copy under another file name (another jgil build,
 * another cache directory) does load, and would bring a second lock that
 * knows nothing of the first.  NativeLibrary asks right after loading, before
 * the lock starts, and refuses such a copy.
 *
 * A copy is recognised by what makes it one: it exports the JNI entry point
 * of GilRuntime.init.  dl_iterate_phdr lists the loaded objects; their
 * symbols are looked up after the walk, because the walk holds the dynamic
 * loader's lock, which dlopen takes too.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "jgil_internal.h"
#include "org_jgil_NativeLibrary.h"

static const char marker[] = "Java_org_jgil_GilRuntime_init";

struct objects {
    char **names;
    size_t count, capacity;
    int out_of_memory;
};

static int add_object(struct dl_phdr_info *info, size_t size, void *data)
{
    struct objects *objects = data;
    (void)size;
    if (info->dlpi_name == NULL || info->dlpi_name[0] == '\0')
        return 0; /* the executable and the vDSO */
    if (objects->count == objects->capacity) {
        size_t capacity = objects->capacity ? 2 * objects->capacity : 64;
        char **names = realloc(objects->names, capacity * sizeof *names);
        if (names == NULL)
            return objects->out_of_memory = 1;
        objects->names = names;
        objects->capacity = capacity;
    }
    if ((objects->names[objects->count] = strdup(info->dlpi_name)) == NULL)
        return objects->out_of_memory = 1;
    objects->count++;
    return 0;
}

/* The file of another object that defines the marker, or NULL.  dlsym on an
 * object also searches what it depends on, so the definition found is
 * compared by the object that holds it, not by the name that was asked. */
static char *copy_in(const char *name, const void *self_base)
{
    void *handle = dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
    if (handle == NULL)
        return NULL; /* unloaded since the walk */
    char *found = NULL;
    void *symbol = dlsym(handle, marker);
    Dl_info where;
    if (symbol != NULL && dladdr(symbol, &where) && where.dli_fbase != self_base)
        found = strdup(where.dli_fname != NULL ? where.dli_fname : name);
    dlclose(handle);
    return found;
}

JNIEXPORT jstring JNICALL Java_org_jgil_NativeLibrary_otherCopy(JNIEnv *env, jclass cls)
{
    (void)cls;
    Dl_info self;
    if (!dladdr(marker, &self))
        return NULL;
    struct objects objects = { NULL, 0, 0, 0 };
    dl_iterate_phdr(add_object, &objects);
    char *other = NULL;
    for (size_t i = 0; i < objects.count; i++) {
        if (other == NULL && !objects.out_of_memory)
            other = copy_in(objects.names[i], self.dli_fbase);
        free(objects.names[i]);
    }
    free(objects.names);
    if (objects.out_of_memory)
        return jgil_throw(env, "java/lang/OutOfMemoryError", "listing the loaded libraries"), NULL;
    jstring result = other != NULL ? (*env)->NewStringUTF(env, other) : NULL;
    free(other);
    return result;
}

/* Small text helpers: edit distance and "did you mean" suggestions for unknown names. */
#ifndef STROMA_UTIL_TEXT_H
#define STROMA_UTIL_TEXT_H

#include <stddef.h>

/* Levenshtein distance between a and b (case-sensitive), capped at 255. */
int stroma_edit_distance(const char *a, const char *b);

/* The candidate nearest to `word` (ties: first), or NULL if none is within max(2, strlen(word)/3) edits.
 * Candidates are borrowed; the returned pointer is one of them. */
const char *stroma_suggest(const char *word, const char *const *candidates, size_t n);

#endif

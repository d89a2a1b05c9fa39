package dev.grove.session;

/**
 * An entry's place in the tree, read from the index without touching its content.
 *
 * @param role the message role, null for other types
 * @param line the line number in the file
 * @param children how many tree children it has
 */
public record Node(
    String id, String parentId, String type, String lane, Role role, int line, int children) {}

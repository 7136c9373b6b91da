package org.mgsv.core.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A small, safe pickle virtual machine for the subset of the protocol that {@code torch.save} and numpy emit
 * (protocols 2–5 without out-of-band buffers). It never executes code: {@code GLOBAL}s become {@link Global}
 * markers and calls ({@code REDUCE}/{@code NEWOBJ}) are handed to a caller-supplied resolver, which decides
 * what is allowed. Python values map to Java as: int → Long (or BigInteger for huge LONG1 values), float →
 * Double, str → String, bytes → byte[], tuple → {@link Tuple}, list → ArrayList, dict → LinkedHashMap,
 * None → null, bool → Boolean.
 */
final class Unpickler {
    /** A {@code module.name} reference produced by GLOBAL/STACK_GLOBAL. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** An immutable Python tuple. */
    static final class Tuple extends ArrayList<Object> {
        Tuple(List<Object> items) {
            super(items);
        }
    }

    /** An object the resolver did not turn into something specific (e.g. an unknown class instance). */
    record Call(Object callable, Tuple args, Object[] state) {
        @Override
        public String toString() {
            return callable + Arrays.toString(args.toArray());
        }
    }

    /** Turns a persistent id into an object (torch: storages). */
    @FunctionalInterface
    interface PersistentLoader {
        Object load(Object pid) throws IOException;
    }

    /** Performs a call (REDUCE/NEWOBJ) that the pickle asks for, or refuses it with an IOException. */
    @FunctionalInterface
    interface Resolver {
        Object call(Object callable, Tuple args) throws IOException;
    }

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    private final ByteBuffer in;
    private final PersistentLoader persistentLoad;
    private final Resolver resolver;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    /**
     * @param persistentLoad called for BINPERSID/PERSID with the persistent id (null: reject persistent ids)
     * @param resolver called for REDUCE/NEWOBJ with (callable, args); returns the constructed value
     */
    Unpickler(byte[] data, PersistentLoader persistentLoad, Resolver resolver) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoad = persistentLoad;
        this.resolver = resolver;
    }

    /** Position after the last STOP (for streams with several pickles one after another). */
    int position() {
        return in.position();
    }

    Unpickler at(int position) {
        in.position(position);
        stack.clear();
        memo.clear();
        return this;
    }

    Object load() throws IOException {
        try {
            while (true) {
                int op = in.get() & 0xff;
                switch (op) {
                    case 0x80: // PROTO
                        int proto = in.get() & 0xff;
                        if (proto > 5) {
                            throw new IOException("unsupported pickle protocol " + proto);
                        }
                        break;
                    case 0x95: // FRAME
                        in.getLong();
                        break;
                    case '.': // STOP
                        return pop();
                    case '(': // MARK
                        stack.add(MARK);
                        break;
                    case 'N':
                        stack.add(null);
                        break;
                    case 0x88:
                        stack.add(Boolean.TRUE);
                        break;
                    case 0x89:
                        stack.add(Boolean.FALSE);
                        break;
                    case 'J': // BININT
                        stack.add((long) in.getInt());
                        break;
                    case 'K': // BININT1
                        stack.add((long) (in.get() & 0xff));
                        break;
                    case 'M': // BININT2
                        stack.add((long) (in.getShort() & 0xffff));
                        break;
                    case 0x8a: { // LONG1
                        int n = in.get() & 0xff;
                        stack.add(readLong(n));
                        break;
                    }
                    case 0x8b: { // LONG4
                        int n = in.getInt();
                        stack.add(readLong(n));
                        break;
                    }
                    case 'I': { // INT (text)
                        String s = readLine();
                        stack.add(s.equals("01") ? Boolean.TRUE : s.equals("00") ? Boolean.FALSE : Long.parseLong(s));
                        break;
                    }
                    case 'L': { // LONG (text)
                        String s = readLine();
                        if (s.endsWith("L")) {
                            s = s.substring(0, s.length() - 1);
                        }
                        stack.add(Long.parseLong(s));
                        break;
                    }
                    case 'G': // BINFLOAT (big-endian)
                        stack.add(in.order(ByteOrder.BIG_ENDIAN).getDouble());
                        in.order(ByteOrder.LITTLE_ENDIAN);
                        break;
                    case 'F':
                        stack.add(Double.parseDouble(readLine()));
                        break;
                    case 'X': // BINUNICODE
                        stack.add(readString(in.getInt()));
                        break;
                    case 0x8c: // SHORT_BINUNICODE
                        stack.add(readString(in.get() & 0xff));
                        break;
                    case 0x8d: // BINUNICODE8
                        stack.add(readString(Math.toIntExact(in.getLong())));
                        break;
                    case 'T': // BINSTRING
                        stack.add(readLatin1(in.getInt()));
                        break;
                    case 'U': // SHORT_BINSTRING
                        stack.add(readLatin1(in.get() & 0xff));
                        break;
                    case 'B': // BINBYTES
                        stack.add(readBytes(in.getInt()));
                        break;
                    case 'C': // SHORT_BINBYTES
                        stack.add(readBytes(in.get() & 0xff));
                        break;
                    case 0x8e: // BINBYTES8
                        stack.add(readBytes(Math.toIntExact(in.getLong())));
                        break;
                    case 0x96: // BYTEARRAY8
                        stack.add(readBytes(Math.toIntExact(in.getLong())));
                        break;
                    case ')':
                        stack.add(new Tuple(List.of()));
                        break;
                    case 0x85: { // TUPLE1
                        Object a = pop();
                        stack.add(tuple(a));
                        break;
                    }
                    case 0x86: { // TUPLE2
                        Object b = pop();
                        Object a = pop();
                        stack.add(tuple(a, b));
                        break;
                    }
                    case 0x87: { // TUPLE3
                        Object c = pop();
                        Object b = pop();
                        Object a = pop();
                        stack.add(tuple(a, b, c));
                        break;
                    }
                    case 't': // TUPLE
                        stack.add(new Tuple(popMark()));
                        break;
                    case ']':
                        stack.add(new ArrayList<>());
                        break;
                    case 'l': // LIST
                        stack.add(new ArrayList<>(popMark()));
                        break;
                    case 'a': { // APPEND
                        Object v = pop();
                        asList(peek()).add(v);
                        break;
                    }
                    case 'e': { // APPENDS
                        List<Object> items = popMark();
                        asList(peek()).addAll(items);
                        break;
                    }
                    case '}':
                        stack.add(new LinkedHashMap<>());
                        break;
                    case 'd': { // DICT
                        List<Object> items = popMark();
                        Map<Object, Object> m = new LinkedHashMap<>();
                        putAll(m, items);
                        stack.add(m);
                        break;
                    }
                    case 's': { // SETITEM
                        Object v = pop();
                        Object k = pop();
                        asMap(peek()).put(k, v);
                        break;
                    }
                    case 'u': { // SETITEMS
                        List<Object> items = popMark();
                        putAll(asMap(peek()), items);
                        break;
                    }
                    case 0x8f: // EMPTY_SET
                        stack.add(new LinkedHashSet<>());
                        break;
                    case 0x90: { // ADDITEMS
                        List<Object> items = popMark();
                        @SuppressWarnings("unchecked")
                        java.util.Set<Object> set = (java.util.Set<Object>) peek();
                        set.addAll(items);
                        break;
                    }
                    case 0x91: // FROZENSET
                        stack.add(new LinkedHashSet<>(popMark()));
                        break;
                    case 'p': // PUT
                        memo.put(Integer.parseInt(readLine()), peek());
                        break;
                    case 'q': // BINPUT
                        memo.put(in.get() & 0xff, peek());
                        break;
                    case 'r': // LONG_BINPUT
                        memo.put(in.getInt(), peek());
                        break;
                    case 0x94: // MEMOIZE
                        memo.put(memo.size(), peek());
                        break;
                    case 'g': // GET
                        stack.add(memoGet(Integer.parseInt(readLine())));
                        break;
                    case 'h': // BINGET
                        stack.add(memoGet(in.get() & 0xff));
                        break;
                    case 'j': // LONG_BINGET
                        stack.add(memoGet(in.getInt()));
                        break;
                    case 'c': { // GLOBAL
                        String module = readLine();
                        String name = readLine();
                        stack.add(new Global(module, name));
                        break;
                    }
                    case 0x93: { // STACK_GLOBAL
                        String name = (String) pop();
                        String module = (String) pop();
                        stack.add(new Global(module, name));
                        break;
                    }
                    case 'R': { // REDUCE
                        Object args = pop();
                        Object callable = pop();
                        stack.add(resolver.call(callable, asTuple(args)));
                        break;
                    }
                    case 0x81: { // NEWOBJ
                        Object args = pop();
                        Object cls = pop();
                        stack.add(resolver.call(cls, asTuple(args)));
                        break;
                    }
                    case 'b': { // BUILD
                        Object state = pop();
                        Object obj = peek();
                        if (obj instanceof Call) {
                            ((Call) obj).state()[0] = state;
                        } else if (obj instanceof Map && state instanceof Map) {
                            @SuppressWarnings("unchecked")
                            Map<Object, Object> m = (Map<Object, Object>) obj;
                            m.putAll((Map<?, ?>) state);
                        }
                        // other objects (e.g. tensors) ignore their state
                        break;
                    }
                    case 'Q': { // BINPERSID
                        Object pid = pop();
                        if (persistentLoad == null) {
                            throw new IOException("unexpected persistent id " + pid);
                        }
                        stack.add(persistentLoad.load(pid));
                        break;
                    }
                    case 'P': { // PERSID
                        String pid = readLine();
                        if (persistentLoad == null) {
                            throw new IOException("unexpected persistent id " + pid);
                        }
                        stack.add(persistentLoad.load(pid));
                        break;
                    }
                    case '0': // POP
                        pop();
                        break;
                    case '1': // POP_MARK
                        popMark();
                        break;
                    case '2': // DUP
                        stack.add(peek());
                        break;
                    default:
                        throw new IOException(String.format(Locale.ROOT,
                                "unsupported pickle opcode 0x%02x at byte %d", op, in.position() - 1));
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException("pickle data ends early (truncated)");
        } catch (ClassCastException | IndexOutOfBoundsException | ArithmeticException | NumberFormatException e) {
            throw new IOException("malformed pickle data: " + e.getMessage(), e);
        }
    }

    static Tuple tuple(Object... items) {
        return new Tuple(Arrays.asList(items));
    }

    private Object readLong(int n) throws IOException {
        if (n == 0) {
            return 0L;
        }
        byte[] b = readBytes(n);
        // little-endian two's complement
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = b[n - 1 - i];
        }
        java.math.BigInteger v = new java.math.BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private byte[] readBytes(int n) throws IOException {
        if (n < 0 || n > in.remaining()) {
            throw new IOException("pickle data ends early (truncated)");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String readString(int n) throws IOException {
        return new String(readBytes(n), StandardCharsets.UTF_8);
    }

    private String readLatin1(int n) throws IOException {
        return new String(readBytes(n), StandardCharsets.ISO_8859_1);
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) {
                throw new IOException("pickle data ends early (truncated)");
            }
            char c = (char) (in.get() & 0xff);
            if (c == '\n') {
                return sb.toString();
            }
            sb.append(c);
        }
    }

    private Object memoGet(int key) throws IOException {
        if (!memo.containsKey(key)) {
            throw new IOException("pickle refers to unknown memo entry " + key);
        }
        return memo.get(key);
    }

    private Object pop() throws IOException {
        if (stack.isEmpty()) {
            throw new IOException("pickle stack underflow");
        }
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) {
            throw new IOException("unexpected MARK on pickle stack");
        }
        return o;
    }

    private Object peek() throws IOException {
        if (stack.isEmpty()) {
            throw new IOException("pickle stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws IOException {
        int i = stack.size() - 1;
        while (i >= 0 && stack.get(i) != MARK) {
            i--;
        }
        if (i < 0) {
            throw new IOException("pickle MARK not found");
        }
        List<Object> items = new ArrayList<>(stack.subList(i + 1, stack.size()));
        stack.subList(i, stack.size()).clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) throws IOException {
        if (o instanceof List && !(o instanceof Tuple)) {
            return (List<Object>) o;
        }
        throw new IOException("pickle appends to a non-list: " + Objects.toString(o));
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object o) throws IOException {
        if (o instanceof Map) {
            return (Map<Object, Object>) o;
        }
        throw new IOException("pickle sets an item on a non-dict: " + Objects.toString(o));
    }

    private static Tuple asTuple(Object o) throws IOException {
        if (o instanceof Tuple) {
            return (Tuple) o;
        }
        throw new IOException("pickle call arguments are not a tuple: " + Objects.toString(o));
    }

    private static void putAll(Map<Object, Object> m, List<Object> items) throws IOException {
        if (items.size() % 2 != 0) {
            throw new IOException("odd number of dict items in pickle");
        }
        for (int i = 0; i < items.size(); i += 2) {
            m.put(items.get(i), items.get(i + 1));
        }
    }
}

// ZoneGen prints, as tab-separated lines on stdout, what java.time knows
// about zone names: the names DateTimeFormatter.ofPattern("z"/"zzzz")
// prints for every zone (in the JVM's default locale, as ksqlDB's format
// functions use it), the zone a Locale.ROOT case-insensitive parser (as
// ksqlDB's StringToTimestampParser builds it) reads each name as, the
// standard offsets ZoneRules.isDaylightSavings compares with, each zone's
// offsets and transition rules; or, given vector specs as arguments, only
// the test vectors they ask for. zonegen runs it with the single-file
// source launcher and turns the lines into Go source; see main.go.
import java.lang.reflect.Method;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.TextStyle;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneRules;
import java.time.zone.ZoneRulesProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

public class ZoneGen {
    // The scan for standard-offset changes and the expansion of transition
    // rules cover [FROM, TO).
    static final long FROM = LocalDateTime.of(1700, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    static final long TO = LocalDateTime.of(2101, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    static final long DAY = 86400;

    static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("z");
    static final DateTimeFormatter LONG = DateTimeFormatter.ofPattern("zzzz");

    // StringToTimestampParser's formatter.
    static DateTimeFormatter parser(String pattern) {
        return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern).toFormatter(Locale.ROOT);
    }

    static final StringBuilder out = new StringBuilder();

    static void line(Object... fields) {
        for (int i = 0; i < fields.length; i++) {
            String s = String.valueOf(fields[i]);
            if (s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0) {
                throw new IllegalStateException("field with a tab or newline: " + s);
            }
            if (i > 0) {
                out.append('\t');
            }
            out.append(s);
        }
        out.append('\n');
    }

    static Method displayNames;

    // The names ZoneTextPrinterParser.getDisplayName takes its text from
    // (TimeZoneNameUtility.retrieveDisplayNames), or null.
    static String[] displayNames(String id, Locale locale) throws Exception {
        if (displayNames == null) {
            Class<?> c = Class.forName("sun.util.locale.provider.TimeZoneNameUtility");
            displayNames = c.getMethod("retrieveDisplayNames", String.class, Locale.class);
        }
        return (String[]) displayNames.invoke(null, id, locale);
    }

    // The wall-clock transitions of rules in [FROM, TO).
    static List<ZoneOffsetTransition> transitions(ZoneRules rules) {
        List<ZoneOffsetTransition> list = new ArrayList<>();
        ZoneOffsetTransition t = rules.nextTransition(Instant.ofEpochSecond(FROM));
        while (t != null && t.toEpochSecond() < TO) {
            list.add(t);
            t = rules.nextTransition(t.getInstant());
        }
        return list;
    }

    public static void main(String[] args) throws Exception {
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        String tzdb = String.join(",", ZoneRulesProvider.getVersions("UTC").keySet());
        line("jdk", Runtime.version(), System.getProperty("java.vendor"), tzdb, format.toLanguageTag());
        if (args.length > 0) {
            for (String a : args) {
                vectors(a);
            }
            System.out.print(out);
            return;
        }

        TreeSet<String> ids = new TreeSet<>(ZoneId.getAvailableZoneIds());
        TreeSet<String> candidates = new TreeSet<>(ids);
        for (String id : ids) {
            ZoneId zone = ZoneId.of(id);
            ZoneRules rules = zone.getRules();
            List<ZoneOffsetTransition> trans = transitions(rules);

            // Wall-clock offsets: the offset before FROM, then each transition.
            StringBuilder wall = new StringBuilder();
            wall.append(rules.getOffset(Instant.ofEpochSecond(FROM)).getTotalSeconds());
            for (ZoneOffsetTransition t : trans) {
                wall.append(',').append(t.toEpochSecond()).append(':').append(t.getOffsetAfter().getTotalSeconds());
            }
            line("wall", id, wall);

            // Standard offsets: getStandardOffset sampled daily, each change
            // found to the second by bisection.
            long far = FROM - 400L * 365 * DAY;
            int first = rules.getStandardOffset(Instant.ofEpochSecond(far)).getTotalSeconds();
            if (first != rules.getStandardOffset(Instant.ofEpochSecond(FROM)).getTotalSeconds()) {
                throw new IllegalStateException(id + ": standard offset changes before " + FROM);
            }
            StringBuilder std = new StringBuilder().append(first);
            int prev = first;
            for (long s = FROM; s < TO; ) {
                long next = s + DAY;
                if (rules.getStandardOffset(Instant.ofEpochSecond(next)).getTotalSeconds() == prev) {
                    s = next;
                    continue;
                }
                long lo = s, hi = next; // std(lo) == prev, std(hi) != prev
                while (hi - lo > 1) {
                    long mid = lo + (hi - lo) / 2;
                    if (rules.getStandardOffset(Instant.ofEpochSecond(mid)).getTotalSeconds() == prev) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                prev = rules.getStandardOffset(Instant.ofEpochSecond(hi)).getTotalSeconds();
                std.append(',').append(hi).append(':').append(prev);
                s = hi;
            }
            for (ZoneOffsetTransitionRule r : rules.getTransitionRules()) {
                if (r.getStandardOffset().getTotalSeconds() != prev) {
                    throw new IllegalStateException(id + ": a transition rule changes the standard offset");
                }
            }
            line("std", id, std);

            // Java's transition rules, for zones Go's tzdata lacks.
            for (ZoneOffsetTransitionRule r : rules.getTransitionRules()) {
                line("rule", id, r.getMonth().getValue(), r.getDayOfMonthIndicator(),
                        r.getDayOfWeek() == null ? 0 : r.getDayOfWeek().getValue(),
                        r.getLocalTime().toSecondOfDay() + (r.isMidnightEndOfDay() ? DAY : 0),
                        r.getTimeDefinition(), r.getStandardOffset().getTotalSeconds(),
                        r.getOffsetBefore().getTotalSeconds(), r.getOffsetAfter().getTotalSeconds());
            }
            List<ZoneOffsetTransition> hist = rules.getTransitions();
            line("histend", id, hist.isEmpty() ? "" : hist.get(hist.size() - 1).toEpochSecond());

            // The names 'z' and 'zzzz' print: formatted at the latest
            // instants that are and are not daylight saving time; where the
            // zone never is, from the names the printer reads.
            Instant stdAt = null, dstAt = null;
            List<Instant> probes = new ArrayList<>();
            probes.add(Instant.ofEpochSecond(FROM));
            for (ZoneOffsetTransition t : trans) {
                probes.add(t.getInstant());
            }
            for (Instant p : probes) {
                if (rules.isDaylightSavings(p)) {
                    dstAt = p;
                } else {
                    stdAt = p;
                }
            }
            String[] printed = displayNames(id, format);
            String[] names = new String[4]; // short std, short dst, long std, long dst
            String source = "";
            for (int dst = 0; dst < 2; dst++) {
                Instant at = dst == 0 ? stdAt : dstAt;
                String fromUtility = printed == null ? null : printed[dst * 2 + 2];
                String fromUtilityLong = printed == null ? null : printed[dst * 2 + 1];
                if (fromUtility == null) {
                    fromUtility = id;
                }
                if (fromUtilityLong == null) {
                    fromUtilityLong = id;
                }
                if (at == null) {
                    names[dst] = fromUtility;
                    names[dst + 2] = fromUtilityLong;
                    source += dst == 0 ? "s" : "d";
                    continue;
                }
                ZonedDateTime z = at.atZone(zone);
                names[dst] = z.format(SHORT);
                names[dst + 2] = z.format(LONG);
                if (!names[dst].equals(fromUtility) || !names[dst + 2].equals(fromUtilityLong)) {
                    throw new IllegalStateException(id + ": printed " + names[dst] + "/" + names[dst + 2]
                            + ", display names say " + fromUtility + "/" + fromUtilityLong);
                }
            }
            line("zone", id, names[0], names[1], names[2], names[3], source);
            for (String n : names) {
                candidates.add(n);
            }
            // Every name the ROOT parser could hold for the zone.
            String[] root = displayNames(id, Locale.ROOT);
            if (root != null) {
                for (int i = 1; i < root.length; i++) {
                    if (root[i] != null) {
                        candidates.add(root[i]);
                    }
                }
            }
            for (Locale l : new Locale[] {Locale.ROOT, format}) {
                candidates.add(zone.getDisplayName(TextStyle.FULL, l));
                candidates.add(zone.getDisplayName(TextStyle.SHORT, l));
            }
        }

        // The zone a ROOT parser reads each candidate name as, with 'z' and 'zzzz'.
        for (String style : new String[] {"z", "zzzz"}) {
            DateTimeFormatter p = parser("yyyy-MM-dd HH:mm " + style);
            for (String c : candidates) {
                String result;
                try {
                    result = ZonedDateTime.parse("2024-01-15 12:00 " + c, p).getZone().getId();
                } catch (RuntimeException e) {
                    result = "!";
                }
                line("parse", style, c, result);
            }
        }

        System.out.print(out);
    }

    // vectors prints format and parse vectors for the zones and texts in the
    // spec "zones=a,b,...;instants=s,s,...;texts=t|t|...".
    static void vectors(String spec) {
        String[] zones = {}, texts = {};
        long[] instants = {};
        for (String part : spec.split(";")) {
            String[] kv = part.split("=", 2);
            switch (kv[0]) {
                case "zones": zones = kv[1].split(","); break;
                case "instants": instants = java.util.Arrays.stream(kv[1].split(",")).mapToLong(Long::parseLong).toArray(); break;
                case "texts": texts = kv[1].split("\\|"); break;
                default: throw new IllegalArgumentException(part);
            }
        }
        String[] patterns = {"yyyy-MM-dd HH:mm:ss z", "yyyy-MM-dd HH:mm:ss zzzz"};
        for (String id : zones) {
            ZoneId zone = ZoneId.of(id);
            List<Instant> at = new ArrayList<>();
            for (long s : instants) {
                at.add(Instant.ofEpochSecond(s));
            }
            // a transition day: the last transition in 1970-2024, half an
            // hour either side; and, for a gap, a local time inside it.
            ZoneOffsetTransition t = zone.getRules().previousTransition(Instant.parse("2025-01-01T00:00:00Z"));
            if (t != null && t.getInstant().isBefore(Instant.EPOCH)) {
                t = null;
            }
            String gapText = null;
            if (t != null) {
                at.add(t.getInstant().minusSeconds(1800));
                at.add(t.getInstant().plusSeconds(1800));
                if (t.isGap()) {
                    gapText = t.getDateTimeBefore().plusSeconds(Math.min(1800, t.getDuration().getSeconds() / 2)).toString().replace('T', ' ');
                    if (gapText.length() == 16) {
                        gapText += ":00";
                    }
                }
            }
            for (Instant i : at) {
                for (String pattern : patterns) {
                    ZonedDateTime z = i.atZone(zone);
                    String text = z.format(DateTimeFormatter.ofPattern(pattern));
                    String[] r = parse(text, pattern);
                    line("vector", id, i.getEpochSecond(), z.getOffset().getTotalSeconds(), pattern, text, r[0], r[1], r[2]);
                }
            }
            if (gapText != null) {
                String text = gapText + " " + id;
                String[] r = parse(text, patterns[0]);
                line("vector", "", "", "", patterns[0], text, r[0], r[1], r[2]);
            }
        }
        for (String text : texts) {
            for (String pattern : patterns) {
                String[] r = parse(text, pattern);
                line("vector", "", "", "", pattern, text, r[0], r[1], r[2]);
            }
        }
    }

    // parse is the epoch second, zone id and offset ZonedDateTime.parse
    // reads text as, or "!" and the exception's message.
    static String[] parse(String text, String pattern) {
        try {
            ZonedDateTime z = ZonedDateTime.parse(text, parser(pattern));
            return new String[] {String.valueOf(z.toEpochSecond()), z.getZone().getId(), String.valueOf(z.getOffset().getTotalSeconds())};
        } catch (RuntimeException e) {
            return new String[] {"!", e.getMessage(), ""};
        }
    }
}

package io.tcpkit.server.chat;

import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.User;
import io.tcpkit.server.hub.Message;
import io.tcpkit.server.hub.Names;
import io.tcpkit.server.hub.Text;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The chat's {@code /commands}. Runs on the member's own thread; replies go to the member only. */
final class ChatCommands {
    static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    static final String HELP = String.join("\n",
            "* /help                 this list",
            "* /rooms                the rooms and how many people are in each",
            "* /join ROOM            move to another room (it is created if needed)",
            "* /who                  who is in your room",
            "* /msg NAME text        say something to one person only",
            "* /me text              act: '* yourname text'",
            "* /login USER PASSWORD  log in as a registered user (takes that name)",
            "* /quit                 leave");

    private final ChatRooms rooms;
    private final Authenticator authenticator;

    ChatCommands(ChatRooms rooms, Authenticator authenticator) {
        this.rooms = rooms;
        this.authenticator = authenticator;
    }

    /** Runs a command line ("/join dev"); false when the member asked to leave. */
    boolean run(ChatMember me, String line) throws InterruptedException {
        String[] words = line.strip().split("\\s+", 3);
        String command = words[0].toLowerCase(java.util.Locale.ROOT);
        String arg = words.length > 1 ? words[1] : "";
        String rest = words.length > 2 ? words[2] : "";
        switch (command) {
            case "/help" -> me.tell(HELP);
            case "/rooms" -> me.tell("* rooms: " + rooms.allRoomSizes().entrySet().stream()
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ")));
            case "/who" -> me.tell("* in " + me.room().name() + ": " + String.join(", ", rooms.who(me.room())));
            case "/join" -> {
                if (!join(me, arg, rest)) {
                    return false; // evicted by the memory budget: closing
                }
            }
            case "/msg" -> privateMessage(me, arg, rest);
            case "/me" -> {
                String text = line.strip().length() > 3 ? line.strip().substring(3).strip() : "";
                if (text.isEmpty()) {
                    me.tell("* usage: /me text");
                } else {
                    rooms.hub().publish(Message.action(me.room().channel(), me.name(), text), me);
                }
            }
            case "/login" -> login(me, arg, rest);
            case "/quit" -> {
                me.tell("* bye");
                return false;
            }
            default -> me.tell("* unknown command " + Text.sanitize(abbreviate(words[0])) + ": try /help");
        }
        return true;
    }

    /**
     * Rooms are told apart ignoring case, as names are: "/join Dev" joins dev. False if the
     * memory budget evicted the member on joining.
     */
    private boolean join(ChatMember me, String name, String rest) {
        String room = name.toLowerCase(java.util.Locale.ROOT);
        if (!ROOM.matcher(room).matches() || !rest.isEmpty()) {
            me.tell("* usage: /join ROOM (one word of 1 to 32 letters, digits, '.', '_' or '-')");
        } else if (room.equals(me.room().name())) {
            me.tell("* you are in " + room + " already");
        } else {
            rooms.leave(me);
            return rooms.join(me, room);
        }
        return true;
    }

    private void privateMessage(ChatMember me, String to, String text) {
        if (to.isEmpty() || text.isBlank()) {
            me.tell("* usage: /msg NAME text");
            return;
        }
        Optional<ChatMember> target = rooms.find(to);
        if (target.isEmpty()) {
            me.tell("* nobody called " + Text.sanitize(abbreviate(to)) + " is here");
            return;
        }
        String safe = Text.sanitize(text);
        target.get().tell("[" + me.name() + " -> you] " + safe);
        me.tell("[you -> " + target.get().name() + "] " + safe);
    }

    private void login(ChatMember me, String user, String password) throws InterruptedException {
        if (!authenticator.users().required()) {
            me.tell("* there are no registered users here");
            return;
        }
        if (user.isEmpty() || password.isEmpty()) {
            me.tell("* usage: /login USER PASSWORD");
            return;
        }
        Optional<User> u;
        try {
            u = authenticator.login(user, password.toCharArray(), me.connection().remoteAddress().getAddress());
        } catch (Authenticator.TooManyLoginsException e) {
            me.tell(ChatService.TOO_MANY_LOGINS);
            return;
        }
        if (u.isEmpty()) {
            me.tell("* wrong user or password");
            return;
        }
        me.session().user(u.get());
        String old = me.name();
        if (!Names.isValid(user)) {
            // A user name may have '.', '_', '@' or '-', which no chat name has: keep the chat name.
            me.tell("* logged in as " + user + "; your chat name stays " + old
                    + " (chat names are 1 to 32 letters and digits)");
            return;
        }
        if (!old.equalsIgnoreCase(user)) {
            if (!rooms.claim(user, me)) {
                me.tell("* logged in as " + user + ", but that name is in use: you stay " + old);
                return;
            }
            rooms.release(old, me);
            me.name(user);
            rooms.hub().publish(Message.notice(me.room().channel(), old + " is now known as " + user), null);
            return;
        }
        me.tell("* logged in as " + user);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

}

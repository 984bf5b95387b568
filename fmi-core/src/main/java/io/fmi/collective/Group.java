package io.fmi.collective;

import java.util.Arrays;

/**
 * Who a communicator is: its id (carried by every message and key, so that communicators that
 * share channels never see each other's traffic) and its members, as ranks of the channels it
 * shares with the communicator they were derived from.
 */
public final class Group {
    private final int id;
    private final int[] members;
    private final int rank;
    private final int[] byChannelRank;

    /**
     * @param id          the communicator id, agreed by every member
     * @param members     the channel rank of each communicator rank
     * @param channelRank this peer's channel rank, which must be one of {@code members}
     * @param channelSize the number of channel ranks
     */
    public Group(int id, int[] members, int channelRank, int channelSize) {
        this.id = id;
        this.members = members.clone();
        this.byChannelRank = new int[channelSize];
        Arrays.fill(byChannelRank, -1);
        int me = -1;
        for (int r = 0; r < members.length; r++) {
            byChannelRank[members[r]] = r;
            if (members[r] == channelRank) {
                me = r;
            }
        }
        if (me < 0) {
            throw new IllegalArgumentException("channel rank " + channelRank + " is not a member of " + Arrays.toString(members));
        }
        this.rank = me;
    }

    /** The group of every channel rank, in order, with id 0. */
    public static Group world(int rank, int size) {
        int[] all = new int[size];
        for (int i = 0; i < size; i++) {
            all[i] = i;
        }
        return new Group(0, all, rank, size);
    }

    public int id() {
        return id;
    }

    public int rank() {
        return rank;
    }

    public int size() {
        return members.length;
    }

    /** The channel rank of communicator rank {@code r}. */
    public int channelRank(int r) {
        return members[r];
    }

    /** The communicator rank of channel rank {@code c}, or -1 if it is not a member. */
    public int rankOf(int c) {
        return c >= 0 && c < byChannelRank.length ? byChannelRank[c] : -1;
    }

    /** The channel ranks of every member but this peer. */
    public int[] others() {
        int[] others = new int[members.length - 1];
        int i = 0;
        for (int r = 0; r < members.length; r++) {
            if (r != rank) {
                others[i++] = members[r];
            }
        }
        return others;
    }
}

package com.dataplatform.calendar.sync.convert;

/** A series with EXDATE (TZID), a moved and a cancelled RECURRENCE-ID, an all-day yearly event and a UTC event. */
public final class RoundTripTestData {

    private RoundTripTestData() {
    }

    public static final String ICS = """
            BEGIN:VCALENDAR
            VERSION:2.0
            PRODID:-//test//EN
            BEGIN:VTIMEZONE
            TZID:America/New_York
            BEGIN:STANDARD
            DTSTART:20071104T020000
            RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
            TZOFFSETFROM:-0400
            TZOFFSETTO:-0500
            END:STANDARD
            BEGIN:DAYLIGHT
            DTSTART:20070311T020000
            RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
            TZOFFSETFROM:-0500
            TZOFFSETTO:-0400
            END:DAYLIGHT
            END:VTIMEZONE
            BEGIN:VEVENT
            UID:weekly@example.com
            DTSTAMP:20260101T120000Z
            LAST-MODIFIED:20260102T120000Z
            DTSTART;TZID=America/New_York:20260302T090000
            DTEND;TZID=America/New_York:20260302T093000
            RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260430T035959Z
            EXDATE;TZID=America/New_York:20260311T090000
            SUMMARY:Standup
            DESCRIPTION:Daily sync\\, short
            LOCATION:Room 1
            ORGANIZER;CN=Ann:mailto:ann@example.com
            ATTENDEE;PARTSTAT=ACCEPTED;CN=Bob:mailto:bob@example.com
            ATTENDEE;PARTSTAT=TENTATIVE:mailto:carol@example.com
            SEQUENCE:3
            CLASS:PRIVATE
            END:VEVENT
            BEGIN:VEVENT
            UID:weekly@example.com
            DTSTAMP:20260101T120000Z
            RECURRENCE-ID;TZID=America/New_York:20260316T090000
            DTSTART;TZID=America/New_York:20260316T140000
            DTEND;TZID=America/New_York:20260316T143000
            SUMMARY:Standup (moved)
            SEQUENCE:3
            END:VEVENT
            BEGIN:VEVENT
            UID:weekly@example.com
            DTSTAMP:20260101T120000Z
            RECURRENCE-ID;TZID=America/New_York:20260323T090000
            DTSTART;TZID=America/New_York:20260323T090000
            DTEND;TZID=America/New_York:20260323T093000
            STATUS:CANCELLED
            SEQUENCE:3
            END:VEVENT
            BEGIN:VEVENT
            UID:holiday@example.com
            DTSTAMP:20260101T120000Z
            DTSTART;VALUE=DATE:20261225
            DTEND;VALUE=DATE:20261226
            RRULE:FREQ=YEARLY
            SUMMARY:Christmas
            END:VEVENT
            BEGIN:VEVENT
            UID:utc@example.com
            DTSTAMP:20260101T120000Z
            DTSTART:20260610T080000Z
            DTEND:20260610T090000Z
            SUMMARY:In UTC
            STATUS:TENTATIVE
            END:VEVENT
            END:VCALENDAR
            """.replace("\n", "\r\n");
}

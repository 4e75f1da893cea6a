from datacollab.discussion.reply_text import html_to_text, reply_text


def test_reply_text_cuts_gmail_quote():
    text = (
        "Yes, we can share the sensor data.\n\n"
        "On Sat, 5 Dec 2026 at 10:02, Alice Adeyemi <alice@example.org> wrote:\n"
        "> Can anyone share data?\n"
        "> Thanks\n"
    )

    assert reply_text(text) == "Yes, we can share the sensor data."


def test_reply_text_cuts_gmail_attribution_wrapped_over_two_lines():
    text = (
        "Count me in.\n\n"
        "On Sat, 5 Dec 2026 at 10:02, Alice Adeyemi via Peer Learning <\n"
        "reply+1-2-3-abc@reply.example> wrote:\n\n"
        "> Who joins?\n"
    )

    assert reply_text(text) == "Count me in."


def test_reply_text_cuts_apple_mail_quote_and_phone_signature():
    text = (
        "Agreed.\n\n"
        "Sent from my iPhone\n\n"
        "> On 5 Dec 2026, at 10:02, Alice Adeyemi <alice@example.org> wrote:\n"
        ">\n"
        "> Shall we meet?\n"
    )

    assert reply_text(text) == "Agreed."


def test_reply_text_cuts_outlook_header_block():
    text = (
        "Thanks, the minutes are attached on the site.\r\n\r\n"
        "________________________________\r\n"
        "From: Peer Learning Network <noreply@collab.example>\r\n"
        "Sent: Saturday, December 5, 2026 10:02 AM\r\n"
        "To: Bob Brown <bob@example.org>\r\n"
        "Subject: [Cohort A] Plans\r\n\r\n"
        "Alice wrote in “Plans”\r\n"
    )

    assert reply_text(text) == "Thanks, the minutes are attached on the site."


def test_reply_text_cuts_outlook_from_block_without_a_rule():
    text = (
        "See you there\n\n"
        "From: Peer Learning Network <noreply@collab.example>\n"
        "Date: Saturday, 5 December 2026 at 10:02\n"
        "To: Bob Brown <bob@example.org>\n"
        "Subject: Plans\n"
        "Old text\n"
    )

    assert reply_text(text) == "See you there"


def test_reply_text_keeps_a_from_line_that_is_not_a_header_block():
    text = "From: the city planners, we heard that bikes matter.\nMore to come."

    assert reply_text(text) == text


def test_reply_text_cuts_original_message_rule_and_signature():
    text = "Fine by me.\n-- \nBob Brown\nData Cargo\n-----Original Message-----\nFrom: x\n"

    assert reply_text(text) == "Fine by me."


def test_reply_text_cuts_french_and_german_attributions():
    french = "D'accord.\n\nLe sam. 5 déc. 2026 à 10:02, Alice <alice@example.org> a écrit :\n> Q\n"
    german = "Gern.\n\nAm Sa., 5. Dez. 2026 um 10:02 Uhr schrieb Alice <alice@example.org>:\n> Q\n"

    assert (reply_text(french), reply_text(german)) == ("D'accord.", "Gern.")


def test_reply_text_drops_inline_quotes_but_keeps_answers():
    text = "> Can you come?\nYes.\n> And bring data?\nAlso yes."

    assert reply_text(text) == "Yes.\nAlso yes."


def test_html_to_text_drops_gmail_quote_and_tags():
    markup = (
        '<div dir="ltr">Sounds <b>good</b> &amp; fine<br>Bob</div><br>'
        '<div class="gmail_quote"><div class="gmail_attr">On Sat, Alice wrote:</div>'
        "<blockquote>Old</blockquote></div>"
    )

    assert html_to_text(markup) == "Sounds good & fine\nBob"

"""The Telegram front end of CollectorDojo: trainees practise, trainers assign, leads certify, all from a chat."""

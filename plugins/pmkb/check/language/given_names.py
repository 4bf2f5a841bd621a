"""Common given names from many languages, lower case: a capitalised word that is one of
these is taken for a person even at the start of a sentence.

Written for pmkb. Names that are also ordinary English words or software (Will, May,
Mark, Grant, Hope, Ruby, Hugo, Travis) are left out on purpose: a sentence starting
"Will the alert fire" must not read as a person.
"""

from __future__ import annotations

GIVEN_NAMES = frozenset(
    """
    aaron abby abdul abdullah abigail abraham ada adam adebayo adele adina aditi aditya
    adriana adrian ahmed ahmet aiden aiko aisha akira alan alana albert alberto alejandra
    alejandro aleksandr alex alexa alexander alexandra alexei alexis alfonso ali alice alicia
    alina alison allison alma alonso alvaro amanda amara amelia amina amir amit amy ana
    anders andre andrea andreas andrei andres andrew andy aneesh angela angelo anika anil
    anita anjali ann anna anne annie anthony antoine anton antonio anya aoife arjun arnav
    arthur arturo asha ashley ashok astrid aurora ava ayaan ayesha aylin barbara baris
    beatriz bella ben benjamin bernard beth bethany bianca bilal bjorn blake bob bobby
    bogdan boris brandon brenda brian bridget brittany bruno bryan caitlin camila cameron
    camille carla carlos carmen carol caroline carolyn casey catherine cecilia cedric
    charles charlie charlotte chen chiara chidi chinedu chloe chris christian christina
    christine christopher chuck ciara claire clara claudia clement colin connor cristina
    cynthia dae daisy dale damian dan dana daniel daniela daniele danielle danny dario
    darius dave david dawit debbie deborah deepak denise dennis derek devon diana diego
    dimitri dina dmitri dmitry dominic donald donna dora doug douglas duc dylan ebony
    eduardo edward efua elena eli elif elijah elisa elizabeth ella ellen elliot emeka
    emil emilia emily emma emmanuel enrique eric erica erik erin esra esther ethan eugene
    eva evan  ewa fabian farah farid fatima fatma felipe felix fernando filip finn
    fiona florian francesca francesco francis francisco freya gabriel gabriela gareth
    gary gemma george georgia gerald gerardo gianluca gina giorgio giovanni giulia gloria
    gordon grace graham greg gregory gustavo hamid hana hannah hans harold harper harry
    hassan hector heidi helen helena henry hiroshi hiro holly  hugh hussein ian
    ibrahim ifeoma igor ilya imran ines ingrid ioana irene isaac isabel isabella isha
    ismail ivan jacob  jake james jamal jamie  jana jane janet janice jared jason
    javier jay jean jeff jeffrey jennifer jenny jeremy jerome jessica jesus ji-ho jia jin
    joan joanna joao joe joel johan johanna john johnny jon jonas jonathan jordan jorge
    jose joseph josh joshua juan judith julia julian julie julien jun justin kai kamal
    kamala karen karim karin karl kate katherine kathleen kathryn katie kavya kayla keiko
    keith kelly ken kenji kenneth kevin khalid kim kimberly kofi kumar kwame kyle lakshmi
    lars laura lauren lea leah lee leila lena leo leon leonardo liam lily lin linda lindsay
    lisa liu lorenzo louis lucas lucia luis luisa luka lukas luke lupe lydia magdalena
    mahmoud maja malik manoj manuel mara marcel marco marcos marcus margaret maria mariam
    marie marina mario marisol marta martha martin mary mateo matt matteo matthew maya
    megan mehmet mei melissa mia michael michelle miguel mikhail mila milan min ming
    miriam mohamed mohammad mohammed monica morgan muhammad mustafa nadia naomi natalia
    natalie nathan neha nick nicola nicolas nicole niamh nikhil nikita nina noah noor
    nora nuno ola olga oliver olivia omar oscar osman pablo pamela paolo patricia patrick
    paul paula pavel pedro peter petra philip pierre pooja prakash priya rachel rafael
    rahul raj rajesh ramon rana ravi rebecca renata ricardo richard rita robert roberto
    robin rodrigo rohan roman ronald rosa ruth ryan sabrina sachin sadia sakura salma
    sam samantha samir samuel sandeep sandra sanjay sara sarah sasha scott sean sebastian
    selin sergei sergey sergio shanice sharon shreya simon simone sofia sophia sophie
    stefan stefano stella stephanie stephen steve steven sunil susan suresh svetlana
    takeshi tamara tanvir tara teresa thabo thandiwe theo theresa thomas tim timothy tom
    tomas tony tyler uma valentina valeria vanessa vera veronica victor victoria vijay
    vikram vincent vivek vladimir wei wendy william wilson xavier xin yan yara yasmin
    yuki yusuf yuto zainab zara zeynep zhang zoe
    """.split()
)
